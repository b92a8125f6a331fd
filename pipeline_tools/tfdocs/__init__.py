"""Generated Terraform documentation: the inputs, outputs and resources tables of a module's README.

``model`` turns HCL (parsed by python-hcl2) into plain data, ``render`` writes the Markdown from a
Jinja2 template, ``readme`` finds modules and rewrites the block between the markers.
"""
