"""Scanner adapters: run checkov, and turn each tool's output into normalized findings.

Parsers take already-decoded documents plus a path resolver and return findings; only
``checkov_run`` and ``inline_comments`` touch processes and files.
"""
