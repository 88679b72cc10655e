// The one v4.public protocol instance every module signs and verifies with.
import { PublicProtocol } from 'paseto';
import {
  ExportPublicKeyFactory,
  ExportSecretKeyFactory,
  GenerateKeyPairFactory,
  GetPublicKeyFactory,
  ImportPublicKeyFactory,
  ImportSecretKeyFactory,
  SignFactory,
  VerifyFactory,
} from 'paseto/v4/public';

export const v4 = new PublicProtocol(
  GenerateKeyPairFactory,
  SignFactory,
  VerifyFactory,
  ImportPublicKeyFactory,
  ImportSecretKeyFactory,
  ExportPublicKeyFactory,
  ExportSecretKeyFactory,
  GetPublicKeyFactory,
);

export type { PublicKey, SecretKey } from 'paseto/v4/public';
