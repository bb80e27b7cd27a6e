package data

import "math"

// GridToWGS84 converts OS National Grid eastings/northings (OSGB36, metres)
// to WGS84 latitude/longitude in degrees. It inverts the Transverse Mercator
// projection on the Airy 1830 ellipsoid and applies the standard 7-parameter
// Helmert shift, which is accurate to a few metres: ample for delivery
// addresses (the definitive OSTN15 grid shift is not needed here).
func GridToWGS84(easting, northing float64) (lat, long float64) {
	const (
		a, b   = 6377563.396, 6356256.909 // Airy 1830
		f0     = 0.9996012717             // scale on the central meridian
		e0, n0 = 400000.0, -100000.0      // false origin
	)
	phi0, lambda0 := rad(49), rad(-2)
	e2 := 1 - (b*b)/(a*a)
	n := (a - b) / (a + b)

	meridian := func(phi float64) float64 {
		dp, sp := phi-phi0, phi+phi0
		return b * f0 * ((1+n+1.25*n*n+1.25*n*n*n)*dp -
			(3*n+3*n*n+21.0/8*n*n*n)*math.Sin(dp)*math.Cos(sp) +
			(15.0/8*n*n+15.0/8*n*n*n)*math.Sin(2*dp)*math.Cos(2*sp) -
			35.0/24*n*n*n*math.Sin(3*dp)*math.Cos(3*sp))
	}
	phi := phi0
	m := 0.0
	for i := 0; i < 20 && math.Abs(northing-n0-m) >= 1e-5; i++ { // converges in a few steps
		phi += (northing - n0 - m) / (a * f0)
		m = meridian(phi)
	}
	sin, cos, tan := math.Sin(phi), math.Cos(phi), math.Tan(phi)
	nu := a * f0 / math.Sqrt(1-e2*sin*sin)
	rho := a * f0 * (1 - e2) / math.Pow(1-e2*sin*sin, 1.5)
	eta2 := nu/rho - 1
	sec := 1 / cos
	t2, t4 := tan*tan, tan*tan*tan*tan
	vii := tan / (2 * rho * nu)
	viii := tan / (24 * rho * nu * nu * nu) * (5 + 3*t2 + eta2 - 9*t2*eta2)
	ix := tan / (720 * rho * math.Pow(nu, 5)) * (61 + 90*t2 + 45*t4)
	x := sec / nu
	xi := sec / (6 * nu * nu * nu) * (nu/rho + 2*t2)
	xii := sec / (120 * math.Pow(nu, 5)) * (5 + 28*t2 + 24*t4)
	xiia := sec / (5040 * math.Pow(nu, 7)) * (61 + 662*t2 + 1320*t4 + 720*t4*t2)
	de := easting - e0
	phi = phi - vii*de*de + viii*math.Pow(de, 4) - ix*math.Pow(de, 6)
	lambda := lambda0 + x*de - xi*de*de*de + xii*math.Pow(de, 5) - xiia*math.Pow(de, 7)

	// OSGB36 geodetic -> cartesian -> Helmert -> WGS84 geodetic.
	px, py, pz := toCartesian(phi, lambda, a, b)
	const (
		tx, ty, tz = 446.448, -125.157, 542.060
		s          = -20.4894e-6
	)
	rx, ry, rz := arcsec(0.1502), arcsec(0.2470), arcsec(0.8421)
	qx := tx + (1+s)*px - rz*py + ry*pz
	qy := ty + rz*px + (1+s)*py - rx*pz
	qz := tz - ry*px + rx*py + (1+s)*pz
	phi, lambda = fromCartesian(qx, qy, qz, 6378137.000, 6356752.3141)
	return deg(phi), deg(lambda)
}

func toCartesian(phi, lambda, a, b float64) (x, y, z float64) {
	e2 := 1 - (b*b)/(a*a)
	sin := math.Sin(phi)
	nu := a / math.Sqrt(1-e2*sin*sin)
	x = nu * math.Cos(phi) * math.Cos(lambda)
	y = nu * math.Cos(phi) * math.Sin(lambda)
	z = (1 - e2) * nu * sin
	return
}

func fromCartesian(x, y, z, a, b float64) (phi, lambda float64) {
	e2 := 1 - (b*b)/(a*a)
	p := math.Hypot(x, y)
	phi = math.Atan2(z, p*(1-e2))
	for i := 0; i < 10; i++ { // fixed-point iteration, converges fast
		sin := math.Sin(phi)
		nu := a / math.Sqrt(1-e2*sin*sin)
		phi = math.Atan2(z+e2*nu*sin, p)
	}
	return phi, math.Atan2(y, x)
}

func rad(d float64) float64    { return d * math.Pi / 180 }
func deg(r float64) float64    { return r * 180 / math.Pi }
func arcsec(s float64) float64 { return rad(s / 3600) }
