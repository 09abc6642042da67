/**
 * Which backend the engines run on. 'cuda' must be compiled into the addon and find a device,
 * else it is a BACKEND error carrying the addon's reason; 'auto' takes cuda where that holds
 * and cpu otherwise, and says which and why through the log.
 */
import { deviceQuery } from '../engine/engine.js';
import { HybridError } from '../errors.js';
import type { Backend, LogLevel } from './options.js';

export function chooseBackend(requested: 'auto' | Backend, log: (message: string, level: LogLevel) => void): Backend {
  if (requested === 'cpu') {
    const cpu = deviceQuery('cpu');
    if (!cpu.available) throw new HybridError('BACKEND', `backend 'cpu' is not available: ${cpu.reason ?? 'no reason given'}`);
    return 'cpu';
  }
  const cuda = deviceQuery('cuda');
  if (requested === 'cuda') {
    if (!cuda.available) throw new HybridError('BACKEND', `backend 'cuda' is not available: ${cuda.reason ?? 'no reason given'}`);
    return 'cuda';
  }
  if (cuda.available) {
    log(`backend auto: using cuda (${cuda.description})`, 'info');
    return 'cuda';
  }
  log(`backend auto: using cpu, because cuda is not available: ${cuda.reason ?? 'no reason given'}`, 'info');
  return 'cpu';
}
