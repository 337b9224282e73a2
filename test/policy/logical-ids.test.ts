import { currentLogicalIds, logicalIdChanges, LogicalIds, pinnedLogicalIds } from '../support/logical-ids';

// No refactoring may replace a deployed resource: every logical id of every stack of the policy apps is pinned in
// test/pinned/logical-ids.json. An intended change is made with `npm run pin:logical-ids` and reviewed like an API
// change; this test never writes the file.

test('every stack of the policy apps keeps exactly the pinned logical ids and types', () => {
  const changes = logicalIdChanges(pinnedLogicalIds(), currentLogicalIds());

  expect(changes).toEqual([]);
});

describe('the comparison names what a refactoring would replace', () => {
  const pinned: LogicalIds = { app: { Stack: { Table: 'AWS::DynamoDB::Table', Fn: 'AWS::Lambda::Function' } } };

  test('a renamed resource is a removal and an addition', () => {
    const current: LogicalIds = { app: { Stack: { Table2: 'AWS::DynamoDB::Table', Fn: 'AWS::Lambda::Function' } } };

    expect(logicalIdChanges(pinned, current)).toEqual([
      '- app/Stack/Table (AWS::DynamoDB::Table): removed, or renamed (a replacement)',
      '+ app/Stack/Table2 (AWS::DynamoDB::Table): new',
    ]);
  });

  test('a changed type under the same id is a replacement', () => {
    const current: LogicalIds = { app: { Stack: { Table: 'AWS::DynamoDB::GlobalTable', Fn: 'AWS::Lambda::Function' } } };

    expect(logicalIdChanges(pinned, current)).toEqual(['~ app/Stack/Table: AWS::DynamoDB::Table → AWS::DynamoDB::GlobalTable (a replacement)']);
  });

  test('a stack that disappears lists each of its resources', () => {
    expect(logicalIdChanges(pinned, {})).toHaveLength(2);
  });
});
