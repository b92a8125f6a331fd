"""``pipeline-tools doctor``: are the GitHub settings the AWS roles' trust relies on in place?"""
