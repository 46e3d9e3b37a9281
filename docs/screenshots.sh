#!/bin/sh
# Regenerate the screenshots in docs/: the default run in GTKWave (a window around a preemption in
# the TX crypto engine) and its HTML report in headless Chromium.
# Needs: apt-get install -y --no-install-recommends gtkwave xvfb imagemagick chromium
set -e
cd "$(dirname "$0")/.."
npm run build --silent
out=$(mktemp -d)
node dist/system/cli/main.js run --quiet --out "$out" \
  --set 'outputs.waveformScopes=["top.nic.crypto_tx.**","top.nic.mac","top.nic.sacache","top.driver.intermediate"]' \
  --set outputs.waveformFromMicroseconds=230 --set outputs.waveformToMicroseconds=240 > /dev/null
echo 'gtkwave::setZoomRangeTimes 234850000 235150000' > "$out/zoom.tcl"
(cd "$out" && xvfb-run -a -s "-screen 0 1600x900x24" sh -c 'gtkwave -S zoom.tcl default.gtkw > gtkwave.log 2>&1 & sleep 6; import -window root screenshot.png; kill $! 2> /dev/null; true')
cp "$out/screenshot.png" docs/gtkwave-default.png
node dist/system/cli/main.js run --quiet > /dev/null
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1380 --screenshot=docs/report-default.png "file://$(pwd)/waveforms/default.html" 2> /dev/null
echo "wrote docs/gtkwave-default.png docs/report-default.png"
