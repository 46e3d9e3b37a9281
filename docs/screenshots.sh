#!/bin/sh
# Regenerate the screenshots in docs/: GTKWave opening the default run's save file exactly as the
# run writes it (no script, no zoom: the window, markers and groups are the file's own), and the
# run's HTML report in headless Chromium. `docs/screenshots.sh gtkwave` or `... report` makes one.
# Needs: apt-get install -y --no-install-recommends gtkwave xvfb imagemagick chromium
set -e
cd "$(dirname "$0")/.."
which=${1:-all}
npm run build --silent
if [ "$which" = all ] || [ "$which" = gtkwave ]; then
  out=$(mktemp -d)
  node dist/system/cli/main.js run --quiet --out "$out" > /dev/null
  # The screen is the save file's own [size], so the window opens as the file says.
  (cd "$out" && xvfb-run -a -s "-screen 0 1600x900x24" sh -c 'gtkwave default.gtkw > gtkwave.log 2>&1 & sleep 6; import -window root screenshot.png; kill $! 2> /dev/null; true')
  cp "$out/screenshot.png" docs/gtkwave-default.png
  rm -rf "$out"
  echo "wrote docs/gtkwave-default.png"
fi
if [ "$which" = all ] || [ "$which" = report ]; then
  node dist/system/cli/main.js run --quiet > /dev/null
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1900 --screenshot=docs/report-default.png "file://$(pwd)/waveforms/default.html" 2> /dev/null
  echo "wrote docs/report-default.png"
fi
