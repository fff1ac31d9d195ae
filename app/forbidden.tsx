export default function Forbidden() {
  return (
    <section className="rounded-xl bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold">Not allowed</h1>
      <p className="mt-3 text-slate-700">Your role does not give access to this page.</p>
    </section>
  );
}
