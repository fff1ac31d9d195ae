export default function NotFound() {
  return (
    <section className="rounded-xl bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold">Not found</h1>
      <p className="mt-3 text-slate-700">There is nothing here.</p>
    </section>
  );
}
