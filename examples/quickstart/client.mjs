// The quickstart's models through the official openai client. While `npm start` runs:
//   npx node examples/quickstart/client.mjs http://127.0.0.1:8080/v1
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.argv[2] ?? 'http://127.0.0.1:8080/v1', apiKey: 'unused' });

const models = await client.models.list();
process.stdout.write(`models: ${models.data.map((model) => model.id).join(', ')}\n`);

// Streaming chat with the base model; the gateway passes the events through as they come.
const stream = await client.chat.completions.create({
  model: 'llama-3.1-8b',
  messages: [{ role: 'user', content: 'Write a haiku about gateways.' }],
  max_tokens: 16,
  stream: true,
});
process.stdout.write('llama-3.1-8b: ');
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
process.stdout.write('\n');

// The LoRA adapter: the rollout sends 90% to sql-lora-v1 and 10% to sql-lora-v2, the answer says sql-lora.
const { data: answer, response } = await client.completions
  .create({ model: 'sql-lora', prompt: 'SELECT', max_tokens: 8 })
  .withResponse();
const servedBy = response.headers.get('x-gateway-destination-endpoint-served');
const servedAs = response.headers.get('x-inference-model');
process.stdout.write(`${answer.model} (served as ${servedAs} by ${servedBy}): ${answer.choices[0].text}\n`);

const embedding = await client.embeddings.create({ model: 'bge-m3', input: 'Hello!' });
process.stdout.write(`bge-m3: an embedding of ${embedding.data[0].embedding.length} dimensions\n`);
