/**
 * The account-wide IAM OIDC identity provider for GitHub Actions, for a stack that
 * owns it without the rest of the iam module (the bootstrap stack). Same settings as
 * the iam module's provider. IAM allows one provider per URL per account, so exactly
 * one stack may create it (D14 [two creators of the OIDC provider], checked when the settings load, environments/load.ts); every other stack
 * references its ARN.
 */
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { Construct } from 'constructs';
import { logicalIds, pin } from '../lib/addresses';
import { GITHUB_OIDC_HOST, GITHUB_OIDC_THUMBPRINTS } from './iam';
import type { BootstrapSharedProps } from './state-storage';

export class GithubOidcProvider extends Construct {
  /** ARN of the provider, for the deploy roles' trust policies. */
  public readonly arn: string;

  /** The address is `aws_iam_openid_connect_provider.<prefix>_github_actions`, the prefix `bootstrap` unless given. */
  constructor(scope: Construct, id: string, shared: BootstrapSharedProps) {
    super(scope, id);
    const provider = pin(
      new IamOpenidConnectProvider(this, 'Provider', {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: ['sts.amazonaws.com'],
        thumbprintList: GITHUB_OIDC_THUMBPRINTS,
        tags: shared.tags,
      }),
      logicalIds(shared.addressPrefix ?? 'bootstrap')('github_actions'),
      'counted-once',
    );
    this.arn = provider.arn;
  }
}
