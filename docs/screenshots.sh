#!/bin/sh
# Regenerate the screenshots in docs/: the default run in GTKWave (a window in which host cores
# suspend bulk software ESP for gold, then the TX crypto engine suspends silver for gold) and its
# HTML report in headless Chromium.
# Needs: apt-get install -y --no-install-recommends gtkwave xvfb imagemagick chromium
set -e
cd "$(dirname "$0")/.."
npm run build --silent
out=$(mktemp -d)
node dist/system/cli/main.js run --quiet --out "$out" \
  --set 'outputs.waveformScopes=["top.driver.cpu.core0.work","top.driver.cpu.core0.job_class","top.driver.cpu.core0.preempted","top.driver.cpu.core3.work","top.driver.cpu.core3.job_class","top.driver.cpu.core3.preempted","top.driver.intermediate.path","top.driver.intermediate.path_spi","top.nic.crypto_tx.engine0.state","top.nic.crypto_tx.engine0.job_class","top.nic.crypto_tx.engine0.key_setup","top.nic.crypto_tx.engine0.preemption","top.nic.crypto_tx.engine0.suspended","top.nic.mac.tx_frame_length"]' \
  --set outputs.waveformFromMicroseconds=283 --set outputs.waveformToMicroseconds=288 > /dev/null
echo 'gtkwave::setZoomRangeTimes 283900000 286900000' > "$out/zoom.tcl"
(cd "$out" && xvfb-run -a -s "-screen 0 1600x900x24" sh -c 'gtkwave -S zoom.tcl default.gtkw > gtkwave.log 2>&1 & sleep 6; import -window root screenshot.png; kill $! 2> /dev/null; true')
cp "$out/screenshot.png" docs/gtkwave-default.png
node dist/system/cli/main.js run --quiet > /dev/null
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1900 --screenshot=docs/report-default.png "file://$(pwd)/waveforms/default.html" 2> /dev/null
echo "wrote docs/gtkwave-default.png docs/report-default.png"
