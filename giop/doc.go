// Package giop reads and writes General Inter-ORB Protocol messages, versions
// 1.0, 1.1 and 1.2 in both byte orders: Request, Reply, CancelRequest,
// LocateRequest, LocateReply, CloseConnection, MessageError and Fragment,
// with fragment reassembly and a maximum message size checked before any
// allocation.
//
// What differs between versions lives in version.go (one codec per header
// layout); everything else is version-neutral.
package giop
