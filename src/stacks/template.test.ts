// Templates: YAML short forms, every intrinsic function, parameters and their constraints, SSM
// parameter types, Rules, transforms and the dependency order, with CloudFormation's messages.
import { describe, expect, it } from 'vitest';
import {
  checkRules,
  checkTransforms,
  evaluateOutputs,
  parseTemplate,
  plan,
  resolveParameters,
  resolvedParameterValues,
  resourceProperties,
  type StackContext,
  type Template,
} from './template.js';

const ctx = (parameters: Record<string, string> = {}, extra: Partial<StackContext> = {}): StackContext => ({
  stackName: 'demo',
  stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/demo/id-1',
  account: '123456789012',
  region: 'us-east-1',
  parameters,
  exports: { 'shared-vpc': 'vpc-123' },
  ...extra,
});

const HEAD = `
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String, Default: dev}
  Subnets: {Type: CommaDelimitedList, Default: 'subnet-1,subnet-2,subnet-3'}
Mappings:
  Regions:
    us-east-1: {Ami: ami-east}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsDev, !Equals [a, a]]
  Either: !Or [!Condition IsProd, !Equals [a, b]]
Resources:
  Other: {Type: AWS::SNS::Topic}
  R:
    Type: AWS::S3::Bucket
    Properties:
      P: `;

/** Evaluates the YAML value `expr` as R's property P (and as JSON: the same tree). */
function value(expr: string, parameters: Record<string, string> = { Env: 'dev', Subnets: 'subnet-1,subnet-2,subnet-3' }, extra: Partial<StackContext> = {}) {
  const t = parseTemplate(`${HEAD}${expr}\n`);
  const fromJson = parseTemplate(JSON.stringify(t));
  const a = resourceProperties(t, ctx(parameters, extra), 'R').P;
  expect(resourceProperties(fromJson, ctx(parameters, extra), 'R').P).toEqual(a);
  return a;
}

describe('intrinsic functions, short and long forms', () => {
  it.each([
    ['Ref of a parameter', '!Ref Env', 'dev'],
    ['Ref of a list parameter', '!Ref Subnets', ['subnet-1', 'subnet-2', 'subnet-3']],
    ['Ref of a pseudo parameter', "!Ref 'AWS::Region'", 'us-east-1'],
    ['Ref AWS::AccountId', '{Ref: "AWS::AccountId"}', '123456789012'],
    ['Ref AWS::StackName', "!Ref 'AWS::StackName'", 'demo'],
    ['Ref AWS::StackId', "!Ref 'AWS::StackId'", 'arn:aws:cloudformation:us-east-1:123456789012:stack/demo/id-1'],
    ['Ref AWS::Partition', "!Ref 'AWS::Partition'", 'aws'],
    ['Ref AWS::URLSuffix', "!Ref 'AWS::URLSuffix'", 'amazonaws.com'],
    ['Sub with pseudo parameters and a literal', "!Sub '${AWS::StackName}-${Env}-${!Literal}'", 'demo-dev-${Literal}'],
    ['Sub with a variable map', "!Sub ['${A}-${Env}', {A: !Ref 'AWS::Region'}]", 'us-east-1-dev'],
    ['Sub long form', '{"Fn::Sub": "x-${Env}"}', 'x-dev'],
    ['Join', "!Join ['-', [a, !Ref Env, c]]", 'a-dev-c'],
    ['Join of a list parameter', "!Join ['|', !Ref Subnets]", 'subnet-1|subnet-2|subnet-3'],
    ['Select', '!Select [1, [a, b, c]]', 'b'],
    ['Select from a list parameter', "!Select ['2', !Ref Subnets]", 'subnet-3'],
    ['Split', "!Split [',', 'a,b,,c']", ['a', 'b', '', 'c']],
    ['If false', '!If [IsProd, big, small]', 'small'],
    ['If true', '!If [IsDev, big, small]', 'big'],
    ['If on And / Or', '[!If [Both, y, n], !If [Either, y, n]]', ['y', 'n']],
    ['If NoValue drops a list item', "[a, !If [IsProd, b, !Ref 'AWS::NoValue'], c]", ['a', 'c']],
    ['If NoValue drops a key', "{Keep: 1, Drop: !If [IsProd, x, !Ref 'AWS::NoValue']}", { Keep: 1 }],
    ['FindInMap', "!FindInMap [Regions, !Ref 'AWS::Region', Ami]", 'ami-east'],
    ['ImportValue', '!ImportValue shared-vpc', 'vpc-123'],
    ['Base64', "!Base64 'hello world'", 'aGVsbG8gd29ybGQ='],
    ['GetAZs of the stack region', "!GetAZs ''", ['us-east-1a', 'us-east-1b', 'us-east-1c']],
    ['Select of GetAZs', "!Select [0, !GetAZs {Ref: 'AWS::Region'}]", 'us-east-1a'],
    ['Cidr', "!Cidr ['192.168.0.0/24', 3, 5]", ['192.168.0.0/27', '192.168.0.32/27', '192.168.0.64/27']],
    ['GetAtt of a simulated resource (dotted)', '!GetAtt Other.TopicName', expect.stringMatching(/^demo-Other-[0-9A-F]{12}$/)],
    ['GetAtt of an attribute simulated generically', '!GetAtt Other.Whatever', expect.stringMatching(/^demo-Other-[0-9A-F]{12}\.Whatever$/)],
    ['GetAtt Arn (list form)', '!GetAtt [Other, Arn]', expect.stringMatching(/^arn:aws:sns:us-east-1:123456789012:demo-Other-[0-9A-F]{12}$/)],
    ['Ref of a simulated resource (a topic: its ARN, as in AWS)', '!Ref Other', expect.stringMatching(/^arn:aws:sns:us-east-1:123456789012:demo-Other-[0-9A-F]{12}$/)],
  ])('%s', (_name, expr, expected) => {
    expect(value(expr)).toEqual(expected);
  });

  it('Ref and GetAtt of a provisioned resource read its state; an unknown attribute of a real one fails', () => {
    const resources = (id: string) => (id === 'Other' ? { type: 'AWS::SNS::Topic', physicalId: 'arn:topic', ref: 'topic-ref', attributes: { TopicName: 'real-name' }, simulated: false } : undefined);
    expect(value("[!Ref Other, !GetAtt Other.TopicName, !Sub '${Other}/${Other.TopicName}']", undefined, { resources })).toEqual(['topic-ref', 'real-name', 'topic-ref/real-name']);
    expect(() => value('!GetAtt Other.Nope', undefined, { resources })).toThrow('Template error: resource Other does not support attribute type Nope in Fn::GetAtt');
  });

  it('Fn::Length and Fn::ToJsonString need AWS::LanguageExtensions', () => {
    const body = (transform: string) => `${transform}Resources:\n  R:\n    Type: AWS::SNS::Topic\n    Properties:\n      N: !Length [a, b, c]\n      J: !ToJsonString {a: [1, !Ref 'AWS::Region']}\n`;
    expect(() => parseTemplate(body(''))).toThrow(/^Template error: Encountered unsupported function: Fn::Length Supported functions are: \[Fn::Base64, /);
    const t = parseTemplate(body('Transform: AWS::LanguageExtensions\n'));
    expect(resourceProperties(t, ctx(), 'R')).toEqual({ N: 3, J: '{"a":[1,"us-east-1"]}' });
  });

  it('an unknown function fails with CloudFormation message', () => {
    expect(() => parseTemplate('{"Resources": {"R": {"Type": "AWS::SNS::Topic", "Properties": {"A": {"Fn::Nope": 1}}}}}')).toThrow(
      'Template error: Encountered unsupported function: Fn::Nope Supported functions are: [Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, Fn::Split, Fn::FindInMap, Fn::Select, Ref, Fn::Equals, Fn::If, Fn::Not, Condition, Fn::And, Fn::Or, Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn, Fn::ValueOf, Fn::ValueOfAll, Fn::RefAll, Fn::Sub, Fn::Cidr]',
    );
  });

  it.each([
    ['Select out of range', '!Select [3, [a, b]]', 'Template error: Fn::Select cannot select nonexistent value at index 3'],
    ['Select with a bad index', '!Select [x, [a, b]]', 'Template error: Fn::Select requires a list argument with two elements: an integer index and a list'],
    ['Split malformed', "!Split [',']", 'Template error: Fn::Split requires a list argument with two elements: a delimiter and a source string'],
    ['FindInMap of an unknown key', '!FindInMap [Regions, eu-west-1, Ami]', 'Template error: Unable to get mapping for Regions::eu-west-1::Ami'],
    ['FindInMap of an unknown map', '!FindInMap [Nope, a, b]', "Template error: Mapping named 'Nope' is not present in the 'Mappings' section of template."],
    ['ImportValue of a missing export', '!ImportValue nope', 'No export named nope found.'],
    ['If on an unknown condition', '!If [Nope, a, b]', 'Template error: unresolved condition dependency Nope in Fn::If'],
    ['Ref of an unknown name', '!Ref Nope', 'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template'],
    ['Cidr that cannot fit', "!Cidr ['10.0.0.0/24', 9, 5]", 'Template error: Fn::Cidr cannot fit 9 blocks with 5 CIDR bits in 10.0.0.0/24'],
  ])('%s fails', (_name, expr, msg) => {
    expect(() => value(expr)).toThrow(msg);
  });

  it('And / Or / Not operand counts', () => {
    const t = (cond: string) => parseTemplate(`Conditions:\n  C: ${cond}\nResources:\n  R: {Type: AWS::SNS::Topic, Condition: C}\n`);
    expect(() => plan(t('!And [!Equals [a, a]]'), ctx())).toThrow('Template error: every Fn::And object requires a list of at least 2 and at most 10 boolean parameters.');
    expect(() => plan(t('!Not [!Equals [a, a], !Equals [a, a]]'), ctx())).toThrow('Template error: every Fn::Not object requires a list with exactly 1 boolean parameter.');
    expect(plan(t('!Or [!Equals [a, b], !Equals [a, a]]'), ctx()).map((p) => p.logicalId)).toEqual(['R']);
  });
});

describe('template structure', () => {
  it.each([
    ['malformed JSON', '{"Resources": ', 'Template format error: JSON not well-formed.'],
    ['no resources', 'Resources: {}\n', 'Template format error: At least one Resources member must be defined.'],
    ['a resource without Type', 'Resources:\n  R: {Properties: {}}\n', 'Template format error: [/Resources/R] Every Resources object must contain a Type member.'],
    ['an unknown section', 'Foo: 1\nResources:\n  R: {Type: AWS::SNS::Topic}\n', 'Template format error: Invalid template property or properties [Foo]'],
    ['an unknown parameter type', 'Parameters:\n  P: {Type: Strin}\nResources:\n  R: {Type: AWS::SNS::Topic}\n', 'Template format error: Unrecognized parameter type: Strin'],
    ['a mapping that is not a map', 'Mappings:\n  M: {a: b}\nResources:\n  R: {Type: AWS::SNS::Topic}\n', 'Template format error: [/Mappings/M/a] Every Mappings attribute must be a map'],
  ])('%s', (_name, body, msg) => {
    expect(() => parseTemplate(body)).toThrow(msg);
  });

  it('YAML short forms become the long forms', () => {
    const t = parseTemplate(
      "Resources:\n  R:\n    Type: AWS::SNS::Topic\n    Properties:\n      A: !GetAtt X.Y.Z\n      B: !Sub ['${a}', {a: 1}]\n      C: !Condition Cond\n      D: !FindInMap [M, a, b]\n      E: !Base64 x\n",
    );
    expect(t.Resources.R.Properties).toEqual({ A: { 'Fn::GetAtt': ['X', 'Y.Z'] }, B: { 'Fn::Sub': ['${a}', { a: 1 }] }, C: { Condition: 'Cond' }, D: { 'Fn::FindInMap': ['M', 'a', 'b'] }, E: { 'Fn::Base64': 'x' } });
  });

  it('transforms: AWS::LanguageExtensions is evaluated natively, SAM and unknown macros fail', () => {
    const t = (name: string) => parseTemplate(`Transform: ${name}\nResources:\n  R: {Type: AWS::SNS::Topic}\n`);
    expect(() => checkTransforms(t('AWS::LanguageExtensions'), '123456789012')).not.toThrow();
    expect(() => checkTransforms(t('AWS::Serverless-2016-10-31'), '123456789012')).toThrow(/^Transform AWS::Serverless-2016-10-31 failed with: /);
    expect(() => checkTransforms(t('MyMacro'), '123456789012')).toThrow('No transform named 123456789012::MyMacro found.');
  });
});

describe('parameters', () => {
  const t = parseTemplate(`Parameters:
  Name: {Type: String, AllowedPattern: '[a-z]+', MinLength: 2, MaxLength: 5}
  Size: {Type: Number, MinValue: 1, MaxValue: 10, Default: 3}
  Env: {Type: String, AllowedValues: [dev, prod], Default: dev}
  Code: {Type: String, Default: ab, AllowedPattern: '[a-z]+', ConstraintDescription: lowercase letters only}
  Ports: {Type: List<Number>, Default: '80,443'}
  Secret: {Type: String, NoEcho: true, Default: s}
Resources:
  R: {Type: AWS::SNS::Topic}
`);
  it('defaults apply and given values win', () => {
    expect(resolveParameters(t, { Name: 'abc', Size: '4' })).toEqual({ Name: 'abc', Size: '4', Env: 'dev', Code: 'ab', Ports: '80,443', Secret: 's' });
  });
  it.each([
    [{ Nope: 'x', Name: 'ab' }, 'Parameters: [Nope] do not exist in the template'],
    [{}, 'Parameters: [Name] must have values'],
    [{ Name: 'AB' }, "Parameter 'Name' must match pattern [a-z]+"],
    [{ Name: 'a' }, "Parameter 'Name' must contain at least 2 characters"],
    [{ Name: 'abcdef' }, "Parameter 'Name' must contain at most 5 characters"],
    [{ Name: 'ab', Size: '0' }, "Parameter 'Size' must be a number not less than 1"],
    [{ Name: 'ab', Size: '11' }, "Parameter 'Size' must be a number not greater than 10"],
    [{ Name: 'ab', Size: 'x' }, "Parameter 'Size' must be a number."],
    [{ Name: 'ab', Env: 'test' }, "Parameter 'Env' must be one of AllowedValues"],
    [{ Name: 'ab', Code: 'X1' }, "Parameter 'Code' failed to satisfy constraint: lowercase letters only"],
    [{ Name: 'ab', Ports: '80,x' }, "Parameter 'Ports' must be a number."],
  ])('%j fails', (given, msg) => {
    expect(() => resolveParameters(t, given as Record<string, string>)).toThrow(msg);
  });

  it('SSM parameter types resolve through the lookup; a missing one fails as CloudFormation says', () => {
    const ssm = parseTemplate("Parameters:\n  V: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /cdk-bootstrap/hnb659fds/version}\nResources:\n  R: {Type: AWS::SNS::Topic}\n");
    const params = resolveParameters(ssm, {});
    expect(params).toEqual({ V: '/cdk-bootstrap/hnb659fds/version' });
    const seen: string[] = [];
    const lookup = (scope: { account: string; region: string }, name: string) => (seen.push(`${scope.account}/${scope.region}/${name}`), name.endsWith('version') ? '21' : undefined);
    expect(resolvedParameterValues(ssm, params, { account: '123456789012', region: 'eu-west-1' }, lookup)).toEqual({ V: '21' });
    expect(seen).toEqual(['123456789012/eu-west-1//cdk-bootstrap/hnb659fds/version']);
    expect(() => resolvedParameterValues(ssm, { V: '/missing' }, { account: '1', region: 'r' }, lookup)).toThrow('Unable to fetch parameters [/missing] from parameter store for this account.');
  });
});

describe('Rules', () => {
  const t = parseTemplate(`Parameters:
  BootstrapVersion: {Type: String}
  Env: {Type: String, Default: dev}
  Sizes: {Type: CommaDelimitedList, Default: 'a,a'}
Rules:
  CheckBootstrapVersion:
    Assertions:
      - Assert: !Not [!Contains [['1', '2', '3', '4', '5'], !Ref BootstrapVersion]]
        AssertDescription: CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI.
  ProdOnly:
    RuleCondition: !Equals [!Ref Env, prod]
    Assertions:
      - Assert: !EachMemberEquals [!Ref Sizes, b]
      - Assert: {'Fn::EachMemberIn': [!Ref Sizes, [a, b]]}
Resources:
  R: {Type: AWS::SNS::Topic}
`);
  it('passes, and fails with the AssertDescription', () => {
    expect(() => checkRules(t, ctx({ BootstrapVersion: '21', Env: 'dev', Sizes: 'a,a' }))).not.toThrow();
    expect(() => checkRules(t, ctx({ BootstrapVersion: '5', Env: 'dev', Sizes: 'a,a' }))).toThrow("CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI.");
  });
  it('a rule applies only when its RuleCondition holds; without a description the rule is named', () => {
    expect(() => checkRules(t, ctx({ BootstrapVersion: '21', Env: 'prod', Sizes: 'a,a' }))).toThrow('Template error: Rule ProdOnly assertion failed');
    expect(() => checkRules(t, ctx({ BootstrapVersion: '21', Env: 'prod', Sizes: 'b,b' }))).not.toThrow();
  });
});

describe('dependency order', () => {
  const order = (body: string, parameters: Record<string, string> = {}) => plan(parseTemplate(body), ctx(parameters)).map((p) => p.logicalId);

  it('explicit DependsOn and implicit Ref / GetAtt / Sub references come first; template order otherwise', () => {
    const body = `Resources:
  A: {Type: AWS::SNS::Topic, Properties: {X: !Ref B}}
  B: {Type: AWS::SNS::Topic, Properties: {X: !GetAtt C.Arn}}
  C: {Type: AWS::SNS::Topic, Properties: {X: !Sub '\${D.Arn}-\${AWS::Region}'}}
  D: {Type: AWS::SNS::Topic, DependsOn: E}
  E: {Type: AWS::SNS::Topic}
  F: {Type: AWS::SNS::Topic}
`;
    expect(order(body)).toEqual(['E', 'D', 'C', 'B', 'A', 'F']);
  });

  it('a cycle fails with the resources in it', () => {
    const body = 'Resources:\n  A: {Type: AWS::SNS::Topic, Properties: {X: !Ref B}}\n  B: {Type: AWS::SNS::Topic, DependsOn: A}\n  C: {Type: AWS::SNS::Topic, DependsOn: A}\n';
    expect(() => order(body)).toThrow('Circular dependency between resources: [A, B]');
  });

  it('a reference to an unknown or excluded resource fails; the untaken branch of Fn::If adds nothing', () => {
    expect(() => order('Resources:\n  A: {Type: AWS::SNS::Topic, DependsOn: Nope}\n')).toThrow('Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template');
    const body = `Parameters:\n  Env: {Type: String}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:
  P: {Type: AWS::SNS::Topic, Condition: IsProd}
  Q: {Type: AWS::SNS::Topic, Properties: {X: !If [IsProd, !Ref P, !Ref 'AWS::NoValue']}}
`;
    expect(order(body, { Env: 'dev' })).toEqual(['Q']);
    const output = (cond: string) => `${body}Outputs:\n  O: {Value: !Ref P${cond}}\n`;
    expect(() => order(output(''), { Env: 'dev' })).toThrow(/^Unresolved resource dependencies \[P\] in the Outputs block of the template$/);
    expect(order(output(', Condition: IsProd'), { Env: 'dev' })).toEqual(['Q']);
    expect(order(body, { Env: 'prod' })).toEqual(['P', 'Q']);
  });
});

describe('outputs', () => {
  it('values, conditions, exports and descriptions', () => {
    const t: Template = parseTemplate(`Parameters:\n  Env: {Type: String}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  R: {Type: AWS::SNS::Topic}
Outputs:
  Name: {Value: !Ref R, Description: the topic, Export: {Name: !Sub '\${AWS::StackName}-topic'}}
  Prod: {Value: yes, Condition: IsProd}
  List: {Value: !Split [',', 'a,b']}
`);
    const out = evaluateOutputs(t, ctx({ Env: 'dev' }));
    expect(out.outputs).toEqual({ Name: expect.stringMatching(/^arn:aws:sns:us-east-1:123456789012:demo-R-/), List: 'a,b' });
    expect(out.exports).toEqual({ 'demo-topic': out.outputs.Name });
    expect(out.descriptions).toEqual({ Name: 'the topic' });
    expect(() => evaluateOutputs(parseTemplate('Resources:\n  R: {Type: AWS::SNS::Topic}\nOutputs:\n  O: {Value: !GetAtt Nope.Arn}\n'), ctx())).toThrow(
      /^Unresolved resource dependencies \[Nope\] in the Outputs block of the template$/,
    );
  });
});

describe('parsed templates kept by their text', () => {
  it('the same text parses to an equal template each time, never the same object: a change to one copy leaves the next alone', () => {
    const body = 'Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Sub "${AWS::StackName}-t"}\n';
    const first = parseTemplate(body);
    (first.Resources as Record<string, { Type: string }>).A.Type = 'Changed';
    const second = parseTemplate(body);
    expect(second).toEqual({ Resources: { A: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': '${AWS::StackName}-t' } } } } });
    expect(parseTemplate(body)).not.toBe(second);
    // A text that failed is refused again, not remembered as anything.
    expect(() => parseTemplate('Resources: {}')).toThrow('At least one Resources member must be defined.');
    expect(() => parseTemplate('Resources: {}')).toThrow('At least one Resources member must be defined.');
  });
});
