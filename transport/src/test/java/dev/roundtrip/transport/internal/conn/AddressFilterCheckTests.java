package dev.roundtrip.transport.internal.conn;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.AddressFilter;
import dev.roundtrip.transport.FilteredAddressException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Every resolved address is checked; the permitted ones stay, in their order. */
class AddressFilterCheckTests {

	private static final AddressFilter NOT_127_0_0_2 = (address) -> !address.getHostAddress().equals("127.0.0.2");

	@Test
	void refusedAddressesAreDroppedAndTheRestKeepTheirOrder() throws Exception {
		InetAddress[] resolved = { address("127.0.0.2"), address("127.0.0.3"), address("127.0.0.2"),
				address("127.0.0.1") };
		assertThat(AddressFilterCheck.permitted(NOT_127_0_0_2, "multi.test", "", resolved))
			.containsExactly(address("127.0.0.3"), address("127.0.0.1"));
	}

	@Test
	void aHostWithEveryAddressRefusedFailsNamingThem() throws Exception {
		InetAddress[] resolved = { address("127.0.0.2") };
		assertThatExceptionOfType(FilteredAddressException.class)
			.isThrownBy(() -> AddressFilterCheck.permitted(NOT_127_0_0_2, "internal.test", "proxy ", resolved))
			.withMessage("Refused to connect to proxy host internal.test: the address filter permits none of its "
					+ "addresses [127.0.0.2]")
			.satisfies((ex) -> assertThat(ex.host()).isEqualTo("internal.test"));
	}

	@Test
	void noFilterPermitsEverything() throws Exception {
		InetAddress[] resolved = { address("127.0.0.2") };
		assertThat(AddressFilterCheck.permitted(null, "h", "", resolved)).isSameAs(resolved);
	}

	private static InetAddress address(String literal) throws UnknownHostException {
		return InetAddress.getByName(literal);
	}

}
