"""``pipeline-tools drift report``: one GitHub issue per drifting environment, and a chat message.

:mod:`.model` (pure: the issue's title, body and marker) -> :mod:`.run` (the I/O shell: GitHub and
chat clients passed in). The plan's own ``resource_drift`` section is summarized by
:mod:`pipeline_tools.plan.drift`, part of the plan model.
"""
