// The page benchmark's probe, installed before any script of the page runs (Chromium's
// Page.addScriptToEvaluateOnNewDocument), identical for the app and the plain page.
// It only watches: times are performance.now() in the page, from the navigation's start.
//
// - paint times: a requestAnimationFrame callback runs just before the frame is drawn; a
//   message posted from it is handled after that frame, so its time is "painted".
// - a reply "shown": a new element matching `.line.server` enters the DOM (MutationObserver):
//   the first after an Enter is its reply, the first with code 250 after the final `.` of
//   a message is its acceptance (nothing else is outstanding when the benchmark measures).
// - the WebSocket: `send` is wrapped (count of lines sent, when the first line after an
//   Enter and the final `.` of a message went out), and each socket gets one more `message`
//   listener (lines received, the greeting), added as the socket is made, before the page
//   sets its own: so "received" is when the message arrived, before the page's handler and
//   the microtasks it queues ran (a listener added later would only run after them).
(() => {
  if (window.__bench) return;
  const SERVER = '.line.server';
  const b = (window.__bench = {
    firstLine: null, greetingRx: null, appStarted: null, wsFirstSend: null,
    rx: 0, tx: 0, replies: 0, longTasks: [], memory: null,
    enterAt: null, enterTx: null, enterRx: null, enterPaint: null,
    watchDot: false, pasteAt: null, dotSentAt: null, dotReplyRx: null, dotPaint: null,
  });
  let firstPending = false;
  let enterPending = false;
  let dotPending = false;
  const afterPaint = (done) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done(performance.now());
    channel.port2.postMessage(0);
  });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch (_) { /* no long task API: the list stays empty */ }
  addEventListener('TrunkApplicationStarted', (event) => {
    b.appStarted = performance.now();
    const wasm = event.detail && event.detail.wasm;
    if (wasm) b.memory = Object.values(wasm).find((v) => v instanceof WebAssembly.Memory) || null;
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      b.enterAt = performance.now();
      b.enterTx = null;
      b.enterRx = null;
      b.enterPaint = null;
      enterPending = false;
    }
  }, true);
  const onMessage = (event) => {
    const now = performance.now();
    let msg;
    try { msg = JSON.parse(event.data); } catch (_) { return; }
    if (msg.type !== 'line' || typeof msg.text !== 'string') return;
    b.rx += 1;
    const last = msg.text.charAt(3) !== '-';
    if (last) b.replies += 1;
    if (b.greetingRx === null && msg.text.startsWith('220')) b.greetingRx = now;
    if (b.enterAt !== null && b.enterRx === null) b.enterRx = now;
    if (b.dotSentAt !== null && b.dotReplyRx === null && last) b.dotReplyRx = now;
  };
  const listen = (socket) => {
    if (socket.__benchListening) return;
    socket.__benchListening = true;
    b.socket = socket;
    socket.addEventListener('message', onMessage);
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      listen(this);
    }
  };
  const send = Native.prototype.send;
  Native.prototype.send = function (data) {
    const now = performance.now();
    if (b.wsFirstSend === null) b.wsFirstSend = now;
    listen(this);
    try {
      const msg = JSON.parse(data);
      const lines = msg.type === 'line' ? [msg.text] : msg.type === 'lines' ? msg.text : [];
      b.tx += lines.length;
      if (lines.length && b.enterAt !== null && b.enterTx === null) b.enterTx = now;
      if (b.watchDot && lines.length && lines[lines.length - 1] === '.') {
        b.dotSentAt = now;
        b.watchDot = false;
      }
    } catch (_) { /* not JSON: not ours to count */ }
    return send.call(this, data);
  };
  // Server lines seen before: a keyed list may move an old line (remove and insert it
  // again), which must not count as a new reply.
  const seen = new WeakSet();
  const fresh = (records) => {
    const found = [];
    const take = (el) => { if (!seen.has(el)) { seen.add(el); found.push(el); } };
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches(SERVER)) take(node);
        else node.querySelectorAll(SERVER).forEach(take);
      }
    }
    return found;
  };
  new MutationObserver((records) => {
    const lines = fresh(records);
    if (!lines.length) return;
    if (!firstPending) {
      firstPending = true;
      afterPaint((t) => { b.firstLine = t; });
    }
    if (b.enterAt !== null && !enterPending) {
      enterPending = true;
      afterPaint((t) => { b.enterPaint = t; });
    }
    const accepted = lines.some((el) => el.dataset.code === '250');
    if (b.dotSentAt !== null && !dotPending && accepted) {
      dotPending = true;
      afterPaint((t) => { b.dotPaint = t; });
    }
  }).observe(document, { childList: true, subtree: true });
  b.resetDot = () => {
    b.pasteAt = null; b.dotSentAt = null; b.dotReplyRx = null; b.dotPaint = null;
    dotPending = false; b.watchDot = true;
  };
  // The socket is not the benchmark's state to print (`with_state`).
  Object.defineProperty(b, 'socket', { enumerable: false, writable: true, value: null });
  b.takeLongTasks = () => b.longTasks.splice(0, b.longTasks.length);
  b.snapshot = () => {
    if (typeof gc === 'function') gc();
    return {
      nodes: document.getElementsByTagName('*').length,
      shown: document.querySelectorAll('#transcript .line').length,
      lines: b.rx + b.tx,
      heap: performance.memory ? performance.memory.usedJSHeapSize : null,
      wasm: b.memory ? b.memory.buffer.byteLength : null,
    };
  };
})();
