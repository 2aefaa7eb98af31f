// Terminal decoration for stderr notices. Plain text when colour is off (pipe, NO_COLOR,
// --no-color); ANSI only when the stream is a terminal that wants it.
export interface Style {
  dim(text: string): string;
  bold(text: string): string;
  italic(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const plain: Style = {
  dim: (t) => t,
  bold: (t) => t,
  italic: (t) => t,
  green: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  cyan: (t) => t,
};

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

// Seven SGR codes do not justify loading chalk on the streaming hot path; chalk is used where
// richer styling is needed (markdown rendering in chat).
const ansi: Style = {
  dim: wrap(2, 22),
  bold: wrap(1, 22),
  italic: wrap(3, 23),
  green: wrap(32, 39),
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
};

export function styleFor(color: boolean): Style {
  return color ? ansi : plain;
}
