from pipeline_tools.cli.main import entry

entry()
