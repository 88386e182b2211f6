/**
 * transfer_to_person: the call leaves the bot for the agent queue, silently, exactly as the TalkToAgent intent
 * does: the flow checks the queue's hours and staffing and says what happens next.
 */
import { transferToPerson } from '../../../lib/definition/tools';
import type { ToolImplementation } from './tool';

export function transferToPersonTool(): ToolImplementation<typeof transferToPerson.schema> {
  return {
    declaration: transferToPerson,
    async run() {
      return { forModel: { transferring: true }, leave: 'agent' };
    },
  };
}
