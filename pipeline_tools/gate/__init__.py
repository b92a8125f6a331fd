"""The security gate: one fail-closed policy over checkov, tfsec, trivy, zizmor and actionlint.

Pure model modules (``model``, ``rules``, ``policy``, ``suppressions``, ``baseline``, ``oidc``,
``evaluate``), rendering (``render``, ``sarif_out``), and the scanner adapters under
``scanners/`` (running checkov, parsing each tool's output). ``run`` wires them together for the
``pipeline-tools gate`` command.
"""
