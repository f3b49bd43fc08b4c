/**
 * Line charts as one SVG, made without a dependency: one panel per metric, connections on the
 * x axis (logarithmic), one line per server.
 */

export interface Series {
  name: string;
  points: readonly { x: number; y: number }[];
}

export interface Panel {
  title: string;
  series: readonly Series[];
}

const W = 360;
const H = 240;
const PAD = { left: 64, right: 16, top: 32, bottom: 40 };
const COLOURS = ["#777777", "#2a7d2e", "#c0392b", "#2c5aa0"];

/** The panels side by side, two to a row. */
export function chart(panels: readonly Panel[]): string {
  const rows = Math.ceil(panels.length / 2);
  const body = panels.map((panel, i) => `<g transform="translate(${(i % 2) * W},${Math.floor(i / 2) * H})">${drawPanel(panel)}</g>`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${rows * H}" font-family="sans-serif" font-size="11">` +
    `<rect width="100%" height="100%" fill="white"/>${body.join("")}</svg>\n`
  );
}

function drawPanel({ title, series }: Panel): string {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const [x0, x1] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  // Headroom above the highest point for the legend.
  const y1 = niceCeiling(1.3 * Math.max(...ys));
  const px = (x: number): number => PAD.left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right);
  const py = (y: number): number => H - PAD.bottom - (y / y1) * (H - PAD.top - PAD.bottom);
  const parts = [`<text x="${PAD.left}" y="18" font-weight="bold">${escape(title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const y = (y1 * i) / 4;
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(y)}" y2="${py(y)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${py(y) + 4}" text-anchor="end">${format(y)}</text>`);
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    parts.push(`<text x="${px(x)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${format(x)}</text>`);
  }
  parts.push(`<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 8}" text-anchor="middle">idle connections</text>`);
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const path = s.points.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(" ");
    parts.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of s.points) parts.push(`<circle cx="${px(p.x)}" cy="${py(p.y)}" r="3" fill="${colour}"/>`);
    parts.push(`<text x="${W - PAD.right}" y="${PAD.top + 14 * i}" text-anchor="end" fill="${colour}">${escape(s.name)}</text>`);
  });
  return parts.join("");
}

/** The next of 1, 1.5, 2, 3, 4, 5, 6, 8 × 10^k at or above `value`. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return ([1, 1.5, 2, 3, 4, 5, 6, 8, 10].find((m) => m * magnitude >= value) as number) * magnitude;
}

function format(value: number): string {
  if (value >= 1000) return `${+(value / 1000).toFixed(1)}k`;
  return `${+value.toPrecision(3)}`;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}
