/**
 * Where the business's built knowledge index lives, for the parts that write it (`npm run build`), load it (the
 * function) and read which embedding model it was built with (the bot stack, which grants the function that
 * model when it is Bedrock's).
 *
 * Pure data: the function's bundle includes it.
 */

/** The bundle's folder in the function's image build context (`lambda/`): the Dockerfile copies from there. */
export const BUNDLE_FOLDER = 'dist';
/** The index's folder beside the bundle: lambda/dist/knowledge-index, /var/task/knowledge-index in the image. */
export const BUILT_INDEX_FOLDER = 'knowledge-index';
/** The index's passages, FAQ and the embedding model it names (`embeddings`: kind and model). */
export const INDEX_FILE = 'index.json';
