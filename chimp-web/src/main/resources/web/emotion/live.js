// The live socket: webcam frames out (JPEG, 320 pixels wide), one at a time; one answer back for each.
const FRAME_WIDTH = 320;
const INTERVAL_MS = 250;
const LOST_AFTER_MS = 5000;

export class Live {
  /** handlers: faces(message, frameCanvas), error(message), status(text, isError) */
  constructor(settings, video, handlers) {
    this.url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + settings.socket;
    this.video = video;
    this.handlers = handlers;
    // Two canvases in turn: the one a pending answer refers to stays intact while the next frame is drawn.
    this.canvases = [document.createElement('canvas'), document.createElement('canvas')];
    this.turn = 0;
    this.inFlight = null;
    this.timer = null;
  }

  connect() {
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      this.handlers.status('Connected: looking for faces…');
      this.later(0);
    };
    ws.onmessage = ev => this.received(JSON.parse(ev.data));
    ws.onclose = ev => {
      this.ws = null;
      this.inFlight = null;
      clearTimeout(this.timer);
      // 1008: refused for a reason reconnecting will not fix (signed out, too many tabs).
      const again = ev.code !== 1008;
      this.handlers.status(`The connection closed (${ev.code}${ev.reason ? ': ' + ev.reason : ''})`
        + (again ? '; reconnecting…' : ''), true);
      if (again) setTimeout(() => this.connect(), 2000);
    };
    this.ws = ws;
  }

  later(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.send(), ms);
  }

  send() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const v = this.video;
    if ((this.inFlight && performance.now() - this.inFlight.at < LOST_AFTER_MS) || !v.videoWidth) {
      this.later(INTERVAL_MS);
      return;
    }
    const canvas = this.canvases[this.turn];
    this.turn ^= 1;
    canvas.width = FRAME_WIDTH;
    canvas.height = Math.round(FRAME_WIDTH * v.videoHeight / v.videoWidth);
    canvas.getContext('2d').drawImage(v, 0, 0, canvas.width, canvas.height);
    const frame = {canvas, at: performance.now()};
    this.inFlight = frame;
    canvas.toBlob(blob => {
      if (blob && this.ws && this.ws.readyState === WebSocket.OPEN && this.inFlight === frame) this.ws.send(blob);
    }, 'image/jpeg', 0.85);
    // If no answer comes, the next frame goes anyway once this one counts as lost.
    this.later(LOST_AFTER_MS);
  }

  received(m) {
    const frame = this.inFlight;
    this.inFlight = null;
    if (m.type === 'faces' && frame) this.handlers.faces(m, frame.canvas);
    else if (m.type === 'error') this.handlers.error(m);
    // 'dropped': nothing to show; the next frame goes after the usual pause.
    this.later(INTERVAL_MS);
  }
}
