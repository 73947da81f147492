import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="segment-error">
      <h2>Not found</h2>
      <p>
        There is no such page or dataset. <Link href="/datasets">See every dataset</Link>.
      </p>
    </div>
  );
}
