"""Names of the files in a client folder, importable without loading any of the analysis stack."""

CLIENT_FILE = "client.yaml"
