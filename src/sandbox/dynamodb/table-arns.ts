// DynamoDB accepts a table's ARN wherever it takes a table name (TableName, the keys of RequestItems, and the
// TableName of each transaction action). The engine knows names only: ARNs of this account and region become names
// before anything else reads the request. Anything else is left as given, for the engine to refuse.
import { tableNameOfArn } from './resource-policies';

type Input = Record<string, unknown>;

function isObject(value: unknown): value is Input {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export class TableArns {
  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  private nameOf(value: unknown): unknown {
    if (typeof value !== 'string' || !value.startsWith('arn:')) return value;
    const name = tableNameOfArn(value, this.region, this.accountId);
    // A table's ARN, not one of its indexes or streams.
    return name !== undefined && value.endsWith(`:table/${name}`) ? name : value;
  }

  private withTableName(action: unknown): unknown {
    if (!isObject(action) || typeof action.TableName !== 'string') return action;
    const name = this.nameOf(action.TableName);
    return name === action.TableName ? action : { ...action, TableName: name };
  }

  /** The request with table ARNs replaced by names; the same object when there was none. */
  toNames(input: Input): Input {
    let result = this.withTableName(input) as Input;
    if (isObject(result.RequestItems) && Object.keys(result.RequestItems).some((key) => key.startsWith('arn:'))) {
      const items: Input = {};
      for (const [key, value] of Object.entries(result.RequestItems)) items[String(this.nameOf(key))] = value;
      result = { ...result, RequestItems: items };
    }
    if (Array.isArray(result.TransactItems)) {
      let changed = false;
      const actions = result.TransactItems.map((entry) => {
        if (!isObject(entry)) return entry;
        let rewritten = entry;
        for (const kind of ['Get', 'Put', 'Update', 'Delete', 'ConditionCheck']) {
          const action = this.withTableName(entry[kind]);
          if (action !== entry[kind]) rewritten = { ...rewritten, [kind]: action };
        }
        if (rewritten !== entry) changed = true;
        return rewritten;
      });
      if (changed) result = { ...result, TransactItems: actions };
    }
    return result;
  }
}
