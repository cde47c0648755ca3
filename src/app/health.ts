// The health check a load balancer polls (GET /health): 200 while this server
// can serve (its store answers), 503 with the reason when it cannot. It names
// the kind of store, never where it is or anything about accounts.
import { storageOf, type Runtime } from './runtime';
import { StoreWriteError } from '../store/ports';

export interface Health {
  status: 200 | 503;
  body: { status: 'ok' | 'unavailable'; store: string; message?: string };
}

export async function healthCheck(rt: Runtime): Promise<Health> {
  const store = rt.storeKind ?? 'embedded';
  try {
    await storageOf(rt).ping();
    return { status: 200, body: { status: 'ok', store } };
  } catch (e) {
    if (!(e instanceof StoreWriteError)) throw e;
    return { status: 503, body: { status: 'unavailable', store, message: store === 'postgres' ? 'the database cannot be reached' : 'the store refuses writes' } };
  }
}
