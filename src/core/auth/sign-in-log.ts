// Which member of a credential chain issued the token: @azure/identity says so only in its log
// ("Result for AzureCliCredential: SUCCESS"), so the log is captured for the length of one
// sign-in. With --debug the whole log is shown as well.
export interface SignInLog {
  successful(): string | undefined;
  stop(): void;
}

export async function trackSuccessfulCredential(debug?: (line: string) => void): Promise<SignInLog> {
  const { AzureLogger, setLogLevel, getLogLevel } = await import('@azure/logger');
  const previousLog = AzureLogger.log;
  const previousLevel = getLogLevel();
  let successful: string | undefined;
  setLogLevel('info');
  AzureLogger.log = (...args: unknown[]) => {
    const line = args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ');
    const match = /Result for (\w+): SUCCESS/.exec(line);
    if (match) successful = match[1];
    debug?.(`azure: ${line.replace(/\s+/g, ' ').trim()}`);
  };
  return {
    successful: () => successful,
    stop() {
      AzureLogger.log = previousLog;
      if (previousLevel) setLogLevel(previousLevel);
      else setLogLevel(undefined);
    },
  };
}
