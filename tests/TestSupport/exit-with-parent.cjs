// Preloaded into Azurite (node --require): the process that started it holds the write end of this process's stdin,
// so stdin ends when that process dies, however it dies (kill -9 included). Azurite then exits too and never stays
// orphaned on its ports after a killed local host or test run.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
