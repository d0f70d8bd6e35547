// Moving between pages: a new #fragment, or the same one shown again (fresh data after a change).

export function go(hash) {
  if (window.location.hash === hash) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = hash;
  }
}

/** Runs fn now and every `ms` until the returned stop function is called (the page's clean-up). */
export function every(ms, fn) {
  let timer = null;
  let stopped = false;
  const tick = async () => {
    try {
      await fn();
    } finally {
      if (!stopped) {
        timer = setTimeout(tick, ms);
      }
    }
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
