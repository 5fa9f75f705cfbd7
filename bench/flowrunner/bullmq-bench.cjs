// BullMQ side of bench/flowrunner: the same job count and concurrency as our queue, on the same Redis.
// Enqueue: `concurrency` producers calling queue.add (one job each, removeOnComplete as activepieces sets it).
// Dequeue+ack: one Worker with `concurrency` and a no-op processor, until every job completed.
// Prints one JSON line. Usage: node bullmq-bench.cjs <jobs> <concurrency> (REDIS_HOST, REDIS_PORT, REDIS_PASSWORD).
const { Queue, Worker } = require('bullmq');

async function main() {
  const jobs = Number(process.argv[2]);
  const concurrency = Number(process.argv[3]);
  const connection = {
    host: process.env.REDIS_HOST,
    port: Number(process.env.REDIS_PORT),
    password: process.env.REDIS_PASSWORD || undefined,
    maxRetriesPerRequest: null,
  };
  const name = `bench-${process.pid}-${Date.now()}`;
  const queue = new Queue(name, { connection });
  await queue.waitUntilReady();

  let next = 0;
  const enqueueStart = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < jobs) {
      next++;
      await queue.add('run', { run: next }, { removeOnComplete: true, removeOnFail: true });
    }
  }));
  const enqueueSeconds = Number(process.hrtime.bigint() - enqueueStart) / 1e9;

  let completed = 0;
  const processStart = process.hrtime.bigint();
  const worker = await new Promise((resolve) => {
    const w = new Worker(name, async () => {}, { connection, concurrency });
    w.on('completed', () => {
      if (++completed === jobs) {
        resolve(w);
      }
    });
  });
  const processSeconds = Number(process.hrtime.bigint() - processStart) / 1e9;

  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  console.log(JSON.stringify({ jobs, concurrency,
    enqueuePerSecond: jobs / enqueueSeconds, processedPerSecond: jobs / processSeconds }));
}

main().catch((e) => { console.error(e); process.exit(1); });
