package dev.roundtrip.transport.internal;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs an action once an object becomes unreachable, like {@link java.lang.ref.Cleaner},
 * but on a thread of the transport's own, named {@value #THREAD_NAME}, that ends when the
 * transport is closed. A JVM-wide {@code Cleaner} would outlive the transport, and in a
 * redeployed web application would keep the old class loader alive.
 *
 * <p>
 * The thread starts with the first registration, so a transport that never hands out a
 * body (or has leak detection off) has none. After {@link #close()} nothing is watched
 * any more: a response dropped after that keeps its connection until the JVM exits, as
 * with leak detection off.
 */
final class LeakDetector {

	static final String THREAD_NAME = "roundtrip-leak-detector";

	private final ReferenceQueue<Object> queue = new ReferenceQueue<>();

	private final ReentrantLock lock = new ReentrantLock();

	// guarded by lock
	/** Keeps every registered reference reachable until it is cleaned. */
	private Watched head;

	// guarded by lock
	private Thread thread;

	// guarded by lock
	private boolean closed;

	/**
	 * Watches {@code watched}; {@code action} runs once, when it becomes unreachable or
	 * when the returned handle is cleaned, whichever comes first. The action must not
	 * refer to {@code watched}.
	 */
	Cleanable register(Object watched, Runnable action) {
		Watched reference = new Watched(watched, this.queue, action);
		this.lock.lock();
		try {
			if (this.closed) {
				reference.unwatched = true;
				return reference;
			}
			if (this.thread == null) {
				Thread started = new Thread(this::run, THREAD_NAME);
				started.setDaemon(true);
				started.start();
				this.thread = started;
			}
			reference.next = this.head;
			if (this.head != null) {
				this.head.prev = reference;
			}
			this.head = reference;
		}
		finally {
			this.lock.unlock();
		}
		return reference;
	}

	/** Stops the thread; actions not run by now are not run. */
	void close() {
		Thread stopping;
		this.lock.lock();
		try {
			this.closed = true;
			stopping = this.thread;
			this.head = null;
		}
		finally {
			this.lock.unlock();
		}
		if (stopping != null) {
			stopping.interrupt();
		}
	}

	private void run() {
		while (true) {
			Reference<?> found;
			try {
				found = this.queue.remove();
			}
			catch (InterruptedException ex) {
				return;
			}
			if (found instanceof Watched watched) {
				watched.clean();
			}
			if (isClosed()) {
				return;
			}
		}
	}

	private boolean isClosed() {
		this.lock.lock();
		try {
			return this.closed;
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean unlink(Watched reference) {
		this.lock.lock();
		try {
			if (reference.unwatched) {
				return false;
			}
			reference.unwatched = true;
			if (this.closed) {
				return true;
			}
			if (reference.prev != null) {
				reference.prev.next = reference.next;
			}
			else if (this.head == reference) {
				this.head = reference.next;
			}
			if (reference.next != null) {
				reference.next.prev = reference.prev;
			}
			reference.prev = null;
			reference.next = null;
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** What {@link #register} returns: runs the action now, at most once in all. */
	interface Cleanable {

		void clean();

	}

	private final class Watched extends PhantomReference<Object> implements Cleanable {

		private final Runnable action;

		// guarded by lock
		private Watched prev;

		// guarded by lock
		private Watched next;

		// guarded by lock
		private boolean unwatched;

		Watched(Object watched, ReferenceQueue<Object> queue, Runnable action) {
			super(watched, queue);
			this.action = action;
		}

		@Override
		public void clean() {
			if (unlink(this)) {
				clear();
				this.action.run();
			}
		}

	}

}
