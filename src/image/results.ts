// Images that arrive in any command's response (create or stream with an image_generation tool,
// get of such a response): saved as `aoai image` saves them, in the current directory under a
// name made from the prompt and the response id, never over an existing file.
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import type { Factory } from '../core/factory.ts';
import type { IO } from '../io/io.ts';
import type { CreateBody } from '../request/create-params.ts';
import { IMAGE_DEPLOYMENT_HEADER } from './request.ts';
import { planOutput, saveImage, type SavedImage } from './save.ts';

export { promptOf } from '../request/prompt-text.ts';

/**
 * Save every generated image of the response; paths go to stdout (data), or, with --json (which
 * keeps the service's JSON unchanged on stdout), to stderr.
 */
export function saveResponseImages(io: IO, response: Pick<ApiResponse, 'id' | 'output'>, options: { prompt: string | undefined; json: boolean }): SavedImage[] {
  const calls = response.output.filter((item) => item.type === 'image_generation_call' && typeof item.result === 'string' && item.result !== '');
  if (calls.length === 0) return [];
  const plan = planOutput(undefined, false);
  const saved: SavedImage[] = [];
  for (const [index, call] of calls.entries()) {
    const { result, revised_prompt: revised } = call as { result: string; revised_prompt?: string };
    const image = saveImage(plan, { prompt: options.prompt ?? revised ?? 'image', responseId: response.id, imageIndex: index }, result);
    saved.push(image);
    if (options.json) io.err(`saved image: ${image.path}\n`);
    else io.out(`${image.path}\n`);
  }
  return saved;
}

/**
 * The image deployment header for a request with an image_generation tool: --image-deployment,
 * else AZURE_OPENAI_IMAGE_DEPLOYMENT or the profile's image-deployment; none when -H gives it.
 */
export async function imageDeploymentHeaders(f: Factory, tools: CreateBody['tools'], flag: string | undefined): Promise<Record<string, string> | undefined> {
  if (!(tools ?? []).some((tool) => tool.type === 'image_generation')) return undefined;
  const settings = await f.settings();
  if (Object.keys(settings.headers).some((name) => name.toLowerCase() === IMAGE_DEPLOYMENT_HEADER)) return undefined;
  const deployment = flag ?? settings.imageDeployment?.value;
  return deployment ? { [IMAGE_DEPLOYMENT_HEADER]: deployment } : undefined;
}
