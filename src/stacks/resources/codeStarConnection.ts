// AWS::CodeStarConnections::Connection: AVAILABLE at once (no handshake locally). Its ARN is what a
// CodeStarSourceConnection action's ConnectionArn names; the repository it reads is mapped by
// FullRepositoryId (the local configuration's connections, or <dataDir>/git/<owner>/<repo>).
// Ref and GetAtt ConnectionArn are the ARN; GetAtt ConnectionStatus is AVAILABLE, OwnerAccountId the account.
import { randomUUID } from 'node:crypto';
import { ReplacementRequired, type ResourceProvisioner } from '../provisioners.js';

export function codeStarConnectionProvisioner(): ResourceProvisioner {
  return {
    async create(ctx, props) {
      const arn = `arn:aws:codestar-connections:${ctx.scope.region}:${ctx.scope.account}:connection/${randomUUID()}`;
      ctx.note(`the connection ${String(props.ConnectionName)} (${String(props.ProviderType ?? props.HostArn ?? 'GitHub')}) is AVAILABLE`);
      return { physicalId: arn, attributes: { ConnectionArn: arn, ConnectionStatus: 'AVAILABLE', OwnerAccountId: ctx.scope.account } };
    },
    async update(ctx, arn, props, previous) {
      if (props.ConnectionName !== previous.ConnectionName || props.ProviderType !== previous.ProviderType || props.HostArn !== previous.HostArn) throw new ReplacementRequired();
      return { physicalId: arn, attributes: { ConnectionArn: arn, ConnectionStatus: 'AVAILABLE', OwnerAccountId: ctx.scope.account } };
    },
    async delete() {},
  };
}
