import qrcode from 'qrcode-generator';

/** An SVG QR code for a URL (generated on the server; no script needed to show it). */
export function qrSvg(text: string, cellSize = 6): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  // alt and title are supported at run time though missing from the bundled types.
  return qr.createSvgTag({ cellSize, margin: 2, scalable: true, alt: '扫码加入课堂', title: '扫码加入课堂' } as { cellSize: number });
}
