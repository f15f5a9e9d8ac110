#!/usr/bin/env bash
# Non-interactive Pulumi deployment of zones from CI. Usage: deploy.sh preview|up|destroy
# Everything comes from the environment (CI secrets and variables); nothing prompts, nothing is written to the
# stack's configuration. pulumi-zmgr reads these itself, in the provider process, whenever the stack config does
# not set the matching zmgr:* key:
#   ZMGR_HOST            the illumos host (global zone), e.g. gz1.example.org
#   ZMGR_PRIVATE_KEY     the deploy key's private key text (a CI secret)
#   ZMGR_HOST_KEY        the host's public key line or SHA256 fingerprint (pins the host; a CI variable)
#   ZMGR_USER, ZMGR_PORT, ZMGR_PRIVILEGE (none|pfexec|sudo), ZMGR_REGISTRY_ROOT: optional
# and this script needs:
#   STACK                the stack name (e.g. prod)
#   PULUMI_CONFIG_PASSPHRASE (self-managed backend) or PULUMI_ACCESS_TOKEN (Pulumi Cloud)
# Because the key lives only in the environment, it never reaches the state (not even encrypted), and `destroy`
# and `refresh` (which configure providers from the state) still get the current key.
set -euo pipefail
mode=${1:?usage: deploy.sh preview|up|destroy}
: "${STACK:?set STACK}"
: "${ZMGR_HOST:?set ZMGR_HOST (a CI variable)}"
: "${ZMGR_PRIVATE_KEY:?set ZMGR_PRIVATE_KEY (a CI secret)}"
: "${ZMGR_HOST_KEY:?set ZMGR_HOST_KEY (a CI variable: ssh-keyscan -t ed25519 HOST | cut -d" " -f2-)}"

pulumi stack select --create "$STACK" --non-interactive
case "$mode" in
  preview) pulumi preview --stack "$STACK" --non-interactive --diff ;;
  up) pulumi up --stack "$STACK" --non-interactive --yes --skip-preview ;;
  destroy) pulumi destroy --stack "$STACK" --non-interactive --yes --skip-preview ;;
  *) echo "deploy.sh: unknown mode '$mode' (use preview, up or destroy)" >&2; exit 2 ;;
esac
