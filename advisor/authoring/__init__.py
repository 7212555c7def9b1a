"""Looking after a rulebook: lint, diff, history (save and restore), zip bundles, the JDM export, edit previews."""
