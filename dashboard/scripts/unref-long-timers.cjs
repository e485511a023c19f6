// Preloaded into the Prisma CLI: its WebAssembly schema engine arms 10 s / 60 s timers that keep Node alive after a
// command has finished. Unref'd, they no longer hold the process open.
const originalSetTimeout = global.setTimeout;
global.setTimeout = function (fn, ms, ...args) {
  const timer = originalSetTimeout(fn, ms, ...args);
  if (typeof ms === "number" && ms >= 5000 && timer && typeof timer.unref === "function") timer.unref();
  return timer;
};
