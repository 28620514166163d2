/** DAG task handlers for the `report` stage. Each gets `{ input, deps }`: the stage input and its dependencies' outputs. */
import type { ResourceRegistry } from 'switchyard';

interface Order { id: number; customer: string; total: number }
interface Customer { id: string; name: string }
interface EtlOutput { outputs: { extract: { orders: Order[]; customers: Customer[] } } }
interface NodeInput<D = Record<string, unknown>> { input: EtlOutput; deps: D }

export default function register(registry: ResourceRegistry): void {
  registry.set('handler', 'revenue', ({ input }: NodeInput) => {
    const { orders } = input.outputs.extract;
    return orders.reduce((sum, order) => sum + Number(order.total), 0);
  });

  registry.set('handler', 'top-customers', ({ input }: NodeInput) => {
    const { orders, customers } = input.outputs.extract;
    const byCustomer = new Map<string, number>();
    for (const order of orders) byCustomer.set(order.customer, (byCustomer.get(order.customer) ?? 0) + Number(order.total));
    return [...byCustomer]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([id, total]) => ({ name: customers.find((c) => c.id === id)?.name ?? id, total }));
  });

  registry.set('handler', 'summary', async ({ deps }: NodeInput<{ revenue: number; 'top-customers': { name: string; total: number }[] }>) => ({
    revenue: deps.revenue,
    top: deps['top-customers'],
    text: `revenue ${deps.revenue}; best customer ${deps['top-customers'][0]?.name ?? 'none'}`,
  }));
}
