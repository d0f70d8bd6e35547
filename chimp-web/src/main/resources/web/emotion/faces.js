// Drawing on frames: face crops, and the outlines over the (mirrored) video.

/** The face in a box of a frame canvas, as a new square canvas of size x size pixels. */
export function crop(frame, box, size = 96) {
  const c = document.createElement('canvas');
  c.width = size;
  c.height = size;
  c.getContext('2d').drawImage(frame, box.x, box.y, box.width, box.height, 0, 0, size, size);
  return c;
}

/** A canvas as base64 JPEG (no data: prefix). */
export function base64Jpeg(canvas) {
  return canvas.toDataURL('image/jpeg', 0.92).split(',')[1];
}

/** Outlines each face with its top emotion; the video is shown mirrored, so boxes are mirrored too. */
export function outline(overlay, frame, faces) {
  const w = overlay.clientWidth;
  const h = overlay.clientHeight;
  overlay.width = w;
  overlay.height = h;
  const g = overlay.getContext('2d');
  g.clearRect(0, 0, w, h);
  if (!frame.width) return;
  const s = w / frame.width;
  g.lineWidth = 3;
  g.font = '16px system-ui, sans-serif';
  faces.forEach((f, i) => {
    const x = w - (f.box.x + f.box.width) * s;
    const y = f.box.y * s;
    g.strokeStyle = i === 0 ? '#00c853' : '#ffab00';
    g.strokeRect(x, y, f.box.width * s, f.box.height * s);
    const best = Math.max(...f.probabilities);
    const text = `${f.label} ${Math.round(best * 100)}%`;
    g.fillStyle = 'rgba(0,0,0,.6)';
    g.fillRect(x, Math.max(0, y - 22), g.measureText(text).width + 8, 20);
    g.fillStyle = '#fff';
    g.fillText(text, x + 4, Math.max(15, y - 7));
  });
}
