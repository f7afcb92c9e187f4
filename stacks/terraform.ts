/** The Terraform version every stack requires: S3-native locking needs >= 1.10; CI pins 1.11.4. */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.10.0';
