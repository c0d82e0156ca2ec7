// What the lab's steps change in the account, in the words of the account change signal.
import type { AccountChange, KeyAspect, PrincipalAspect, TableAspect } from '../../session/account-changes';
import type { LabRecord } from '../record';

/** The lab key, when the record knows which key it is (its ARN, or its id). */
export function labKeyChange(record: LabRecord, aspects: KeyAspect[]): AccountChange[] {
  const keyId = record.keyArn ?? record.keyId;
  return keyId ? [{ kind: 'key', keyId, aspects }] : [];
}

export function labTableChange(record: LabRecord, aspects: TableAspect[]): AccountChange[] {
  return [{ kind: 'table', tableName: record.tableName, aspects }];
}

export function testUserChange(record: LabRecord, aspects: PrincipalAspect[]): AccountChange[] {
  return [{ kind: 'principal', principalType: 'user', name: record.testUserName, aspects }];
}
