#!/usr/bin/perl
# mkmmdb.pl - writes the tiny MaxMind DB files the geo unit tests read.
#
# Usage: mkmmdb.pl OUTDIR
#
# Only documentation address ranges are used (RFC 5737 for IPv4, RFC 3849
# for IPv6) and documentation AS numbers (RFC 5398), so nothing here claims
# a fact about a real network. The expected values the tests assert are the
# ones written below, read by a person; the tests never derive them from the
# code under test.
#
#   country.mmdb  (ip_version 6, GeoIP2-Country layout)
#     192.0.2.0/24     country.iso_code US, registered_country.iso_code US
#     198.51.100.0/24  registered_country.iso_code DE only (fallback path)
#     2001:db8::/32    country.iso_code JP
#   asn.mmdb      (ip_version 6, GeoLite2-ASN layout)
#     192.0.2.0/24     64496 "Example Transit"
#     203.0.113.0/25   64500 "Documentation Net Three"
#     203.0.113.128/25 64501 a 120-character organisation name
#     198.51.100.0/24  64502 94 'x', U+00E9 (two bytes in UTF-8), "tail"
#     2001:db8::/32    64511 "Example Six"
#   asn4.mmdb     (ip_version 4, GeoLite2-ASN layout)
#     192.0.2.0/24     64497 "Four Only"
#   garbage.mmdb  a file that is not a MaxMind DB
use strict;
use warnings;

use File::Path qw(make_path);
use MaxMind::DB::Writer::Tree;

my $outdir = shift @ARGV or die "usage: $0 OUTDIR\n";
make_path($outdir);

my %types = (
	country                        => 'map',
	registered_country             => 'map',
	iso_code                       => 'utf8_string',
	autonomous_system_number       => 'uint32',
	autonomous_system_organization => 'utf8_string',
);

sub write_db {
	my ($file, $ip_version, $type, $networks) = @_;
	my $tree = MaxMind::DB::Writer::Tree->new(
		ip_version    => $ip_version,
		record_size   => 24,
		database_type => $type,
		languages     => ['en'],
		description   => { en => "flowaudit test fixture: $type" },
		# The documentation ranges are "reserved"; keep them.
		remove_reserved_networks => 0,
		map_key_type_callback    => sub { $types{ $_[0] } },
	);
	for my $n (@$networks) {
		$tree->insert_network($n->[0], $n->[1]);
	}
	open(my $fh, '>:raw', "$outdir/$file") or die "$outdir/$file: $!\n";
	$tree->write_tree($fh);
	close($fh) or die "$outdir/$file: $!\n";
}

write_db('country.mmdb', 6, 'FlowAudit-Test-Country', [
	[ '192.0.2.0/24', {
		country            => { iso_code => 'US' },
		registered_country => { iso_code => 'US' } } ],
	[ '198.51.100.0/24', { registered_country => { iso_code => 'DE' } } ],
	[ '2001:db8::/32',   { country            => { iso_code => 'JP' } } ],
]);

my $long_org = 'Long Organisation Name ' . ('x' x 97);    # 120 characters

write_db('asn.mmdb', 6, 'FlowAudit-Test-ASN', [
	[ '192.0.2.0/24', {
		autonomous_system_number       => 64496,
		autonomous_system_organization => 'Example Transit' } ],
	[ '203.0.113.0/25', {
		autonomous_system_number       => 64500,
		autonomous_system_organization => 'Documentation Net Three' } ],
	[ '203.0.113.128/25', {
		autonomous_system_number       => 64501,
		autonomous_system_organization => $long_org } ],
	[ '198.51.100.0/24', {
		autonomous_system_number       => 64502,
		autonomous_system_organization => ('x' x 94) . "\x{e9}tail" } ],
	[ '2001:db8::/32', {
		autonomous_system_number       => 64511,
		autonomous_system_organization => 'Example Six' } ],
]);

write_db('asn4.mmdb', 4, 'FlowAudit-Test-ASN4', [
	[ '192.0.2.0/24', {
		autonomous_system_number       => 64497,
		autonomous_system_organization => 'Four Only' } ],
]);

open(my $g, '>:raw', "$outdir/garbage.mmdb") or die "$outdir/garbage.mmdb: $!\n";
print $g "this is not a MaxMind database\n" x 8;
close($g) or die "$outdir/garbage.mmdb: $!\n";
