// What each queue's jobs do. One line per queue; the work itself lives in the owning module.
import type { Runtime } from '../runtime.ts';
import type { JobPayloads, QueueName } from './queues.ts';

type Handlers = { [Q in QueueName]: (runtime: Runtime, data: JobPayloads[Q]) => Promise<unknown> };

export const JOB_HANDLERS: Handlers = {
  send_email: (runtime, message) => runtime.mailer.send(message),
};
