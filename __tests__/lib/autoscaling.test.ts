import { capacityRangeProblem } from '../../lib/autoscaling';

describe('capacityRangeProblem (the one min <= max check of an autoscaling range)', () => {
  it('accepts a minimum up to the maximum, and says what is wrong with one above it', () => {
    expect([capacityRangeProblem(0, 1), capacityRangeProblem(2, 10), capacityRangeProblem(3, 3)]).toEqual([undefined, undefined, undefined]);
    expect(capacityRangeProblem(4, 3)).toBe('must not exceed maxCapacity (3)');
  });
});
