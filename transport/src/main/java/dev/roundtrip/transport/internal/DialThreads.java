package dev.roundtrip.transport.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads dials (and their host name lookups) run on: a thread of the same kind as
 * the one that asks. A platform thread's dial runs on a cached daemon thread, so the
 * socket stays in blocking mode; a virtual thread's on a virtual thread.
 *
 * <p>
 * Why not virtual threads for all: a socket connected or handshaken on a virtual thread
 * is switched by the JDK to non-blocking mode for good ({@code SocketChannelImpl}'s
 * {@code forcedNonBlocking}), and a platform thread's blocking read of it then costs a
 * failed read and a {@code poll} whenever the response has not arrived yet. Measured on
 * JDK 25 against nginx: 4.2 to 4.7 system calls per request instead of 3, for the
 * connection's whole life. A virtual thread's own reads switch the socket so anyway.
 */
final class DialThreads extends AbstractExecutorService {

	/** {@code Thread::isVirtual}, or null before JDK 21. */
	private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

	private final ExecutorService platform;

	/** Null before JDK 21. */
	private final ExecutorService virtual;

	private DialThreads(ExecutorService platform, ExecutorService virtual) {
		this.platform = platform;
		this.virtual = virtual;
	}

	static ExecutorService create() {
		AtomicInteger count = new AtomicInteger();
		ExecutorService platform = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
				new SynchronousQueue<>(), (task) -> {
					Thread thread = new Thread(task, "roundtrip-dial-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		ExecutorService virtual = null;
		if (IS_VIRTUAL != null) {
			try {
				virtual = (ExecutorService) MethodHandles.publicLookup()
					.findStatic(java.util.concurrent.Executors.class, "newVirtualThreadPerTaskExecutor",
							MethodType.methodType(ExecutorService.class))
					.invoke();
			}
			catch (Throwable ex) {
				// No virtual threads: every dial runs on a platform thread.
			}
		}
		return new DialThreads(platform, virtual);
	}

	private static MethodHandle isVirtualHandle() {
		try {
			return MethodHandles.publicLookup()
				.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

	static boolean isVirtual(Thread thread) {
		if (IS_VIRTUAL == null) {
			return false;
		}
		try {
			return (boolean) IS_VIRTUAL.invokeExact(thread);
		}
		catch (Throwable ex) {
			return false;
		}
	}

	@Override
	public void execute(Runnable command) {
		ExecutorService target = (this.virtual != null && isVirtual(Thread.currentThread())) ? this.virtual
				: this.platform;
		target.execute(command);
	}

	@Override
	public void shutdown() {
		this.platform.shutdown();
		if (this.virtual != null) {
			this.virtual.shutdown();
		}
	}

	@Override
	public List<Runnable> shutdownNow() {
		List<Runnable> pending = new java.util.ArrayList<>(this.platform.shutdownNow());
		if (this.virtual != null) {
			pending.addAll(this.virtual.shutdownNow());
		}
		return pending;
	}

	@Override
	public boolean isShutdown() {
		return this.platform.isShutdown();
	}

	@Override
	public boolean isTerminated() {
		return this.platform.isTerminated() && (this.virtual == null || this.virtual.isTerminated());
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
		long deadline = System.nanoTime() + unit.toNanos(timeout);
		if (!this.platform.awaitTermination(timeout, unit)) {
			return false;
		}
		return this.virtual == null
				|| this.virtual.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
	}

}
