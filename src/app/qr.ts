import qrcode from 'qrcode-generator';

/** An SVG QR code for a URL (generated on the server; no script needed to show it); `label` names it for screen readers. */
export function qrSvg(text: string, cellSize = 6, label = '扫码加入课堂'): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  // title is supported at run time though missing from the bundled types; the library escapes it.
  return qr.createSvgTag({ cellSize, margin: 2, scalable: true, title: label } as { cellSize: number });
}
