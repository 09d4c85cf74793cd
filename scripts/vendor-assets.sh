#!/bin/sh
# Copy the pinned front-end packages from node_modules into avvik/static/vendor.
# Run after changing a version in package.json:  npm install && npm run vendor
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/avvik/static/vendor"

ds="$here/node_modules/@digdir/designsystemet-css"
mkdir -p "$dest/designsystemet"
cp "$ds/dist/src/index.css" "$dest/designsystemet/designsystemet.css"
cp "$ds/dist/theme/designsystemet.css" "$dest/designsystemet/theme.css"
cp "$ds/LICENSE" "$dest/designsystemet/LICENSE"
node -e "console.log(require('$ds/package.json').version)" > "$dest/designsystemet/VERSION"
echo "vendored @digdir/designsystemet-css $(cat "$dest/designsystemet/VERSION")"
