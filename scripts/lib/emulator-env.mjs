// What `aoai emulate` prints on stdout: `export NAME=value` lines, values single-quoted for the
// shell when they need it. One reader for the scripts that start an emulator (demo, bench, the
// packed-install smoke test), so a change in that output breaks one place, not three.

/** The variables in `text`, unquoted. */
export function parseEmulatorEnv(text) {
  const vars = {};
  for (const [, name, value] of text.matchAll(/^(?:export )?([A-Z_]+)=(.*)$/gm)) {
    vars[name] = /^'.*'$/s.test(value) ? value.slice(1, -1).replaceAll("'\\''", "'") : value;
  }
  return vars;
}

/** Resolves with the variables once every name in `names` has been printed by `child`. */
export function emulatorVariables(child, names = ['AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_API_KEY', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER'], timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`aoai emulate printed no endpoint within ${timeoutMs / 1000} s; stdout so far: ${text}`)), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const vars = parseEmulatorEnv(text);
      if (names.every((name) => vars[name])) {
        clearTimeout(timer);
        resolve(vars);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`aoai emulate exited ${code} before printing its endpoint`));
    });
  });
}
