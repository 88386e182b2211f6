import { STACK_OUTPUTS } from '../../lib/definition/stack-outputs';
import { buildTestApp, templateOf } from './synth';

describe('another prefix', () => {
  const { app, contactCenter, bot } = buildTestApp({ prefix: 'demo' });

  test('names both stacks after it', () => {
    expect(app.node.children.map((c) => c.node.id).sort()).toEqual(['demo-bot', 'demo-contact-center']);
    expect(bot.dependencies).toContain(contactCenter);
  });

  test('changes the instance alias, the bot name and the image repository, consistently', () => {
    const cc = templateOf(contactCenter);
    const botTemplate = templateOf(bot);
    cc.hasResourceProperties('AWS::Connect::Instance', { InstanceAlias: 'demo' });
    cc.hasResourceProperties('AWS::ECR::Repository', { RepositoryName: 'demo-answer-function' });
    botTemplate.hasResourceProperties('AWS::Lex::Bot', { Name: 'demo-bot' });
    const image = JSON.stringify(
      Object.values(botTemplate.findResources('AWS::Lambda::Function', { Properties: { PackageType: 'Image' } })),
    );
    expect(image).toContain('/demo-answer-function:');
    // The cross-stack references follow the renamed stack.
    expect(JSON.stringify(botTemplate.toJSON())).toContain('"Fn::ImportValue":"demo-contact-center:');
    expect(JSON.stringify(botTemplate.toJSON())).not.toContain('chalkbot-contact-center');
  });

  test('an explicit alias is used as given', () => {
    const { contactCenter: other } = buildTestApp({ prefix: 'demo', instanceAlias: 'acme-phone-bot' });
    templateOf(other).hasResourceProperties('AWS::Connect::Instance', { InstanceAlias: 'acme-phone-bot' });
    templateOf(other).hasOutput(STACK_OUTPUTS.connectInstanceArn, {});
  });

  test('a bad prefix stops the synth with the reason', () => {
    expect(() => buildTestApp({ prefix: 'Demo_1' })).toThrow(/Invalid Chalkbot settings[\s\S]*prefix "Demo_1"/);
  });
});
