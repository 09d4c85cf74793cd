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

# Swagger UI for the API docs at /api/docs (flask-smorest loads these three files).
sw="$here/node_modules/swagger-ui-dist"
mkdir -p "$dest/swagger-ui"
for f in swagger-ui.css swagger-ui-bundle.js swagger-ui-standalone-preset.js LICENSE NOTICE; do
  cp "$sw/$f" "$dest/swagger-ui/$f"
done
node -e "console.log(require('$sw/package.json').version)" > "$dest/swagger-ui/VERSION"
echo "vendored swagger-ui-dist $(cat "$dest/swagger-ui/VERSION")"

# Chart.js for the quality dashboards (the UMD build: one file, no module loader).
cj="$here/node_modules/chart.js"
mkdir -p "$dest/chartjs"
cp "$cj/dist/chart.umd.min.js" "$cj/LICENSE.md" "$dest/chartjs/"
node -e "console.log(require('$cj/package.json').version)" > "$dest/chartjs/VERSION"
echo "vendored chart.js $(cat "$dest/chartjs/VERSION")"
