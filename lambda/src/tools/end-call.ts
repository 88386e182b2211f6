/** end_call: the bot says goodbye and the flow hangs up, exactly as the Goodbye intent does. */
import { botDefinition } from '../../../lib/definition/bot';
import { endCall } from '../../../lib/definition/tools';
import type { ToolImplementation } from './tool';

export function endCallTool(): ToolImplementation<typeof endCall.schema> {
  return {
    declaration: endCall,
    async run() {
      return { forModel: { ending: true }, spoken: botDefinition.messages.goodbye, leave: 'hangup' };
    },
  };
}
